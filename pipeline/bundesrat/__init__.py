"""The Bundesrat side of Regularien 4.3.

Sachverhalte, die sich bereits in Gesetzgebungs- oder Antragsverfahren des Bundesrates befinden,
sind einer inhaltlichen Beschlussfassung entzogen (unless 2/3 of the votes cast decide
otherwise). This package keeps the register of pending Bundesrat procedures up to date (a file
a clerk keeps, or the Bundestag's DIP API) and finds motions that touch one of them:

* ``register_file.read_register_file`` – CSV/JSON register -> ``BundesratProcedure`` list;
* ``dip.DipClient`` / ``dip.fetch_bundesrat_procedures`` – the same from DIP;
* ``matching.match_bundesrat`` / ``matching.match_all`` – motion text -> ``BundesratEvidence``.

Storage is not done here: these functions return models.
"""
