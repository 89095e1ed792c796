# The access log is browsed on its own page (audit:access_log), never edited in the admin.
