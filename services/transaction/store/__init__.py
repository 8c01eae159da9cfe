"""The transaction service's SQL, one module per aggregate: ``trades`` (and their monthly
``partitions``), ``farms`` (the read model) and ``market`` (the dashboard's figures)."""
