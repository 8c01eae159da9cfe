"""ESG-GOLD: the pure rules (``rules``), wallets and balances (``wallets``), mints, transfers
and burns as ledger entries (``movements``), and what owners and the committee may do
(``transfers``, ``redemptions``, ``esg_rewards``), each done once per Idempotency-Key (``once``)."""
