# deploy/: production tree (local), later remote mirrors and restarts
