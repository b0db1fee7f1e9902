"""Pages anyone may read without an account: the programme, its legal pages and the accessibility feedback."""
