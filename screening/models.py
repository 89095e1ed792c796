# Models arrive with this app's issue (see the issue list).
