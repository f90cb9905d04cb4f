//! Vietnamese text: folding for search, and collation for sorting names.
