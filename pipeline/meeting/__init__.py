"""Meeting documents: the inputs a clerk fills, and what is built from them."""
