"""The audit log: who signed in, failed, was locked out, changed passwords, rights, unit assignments, downloaded."""
