"""The inbox pipeline: claim → sniff → extract → check → store → archive (RELIABILITY.md).

Plain functions only; the Prefect flows in ``pipeline.flows`` call them.
"""
