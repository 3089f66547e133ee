"""Every write of the indicators domain goes through a function here (STYLE.md practice 3)."""
