"""The notification service's SQL, one module per aggregate: ``notifications`` (a user's
notifications and their read state) and ``recipients`` (the language and name to write in)."""
