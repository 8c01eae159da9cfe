"""The service's SQL, one module per aggregate (``ledger``, ``anchors``, ``wallets``,
``redemptions``, ``assessments``): statements written once with explicit columns, run on the
``Tx`` or ``Read`` a caller hands in."""
