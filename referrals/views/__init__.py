"""The referrals' pages, one module per route a concern takes (the services' sections):

    public          the public notification form (no login)
    notifier        the professional sends a notification and follows what they sent
    intake          the intake's queue and a notification's page with its actions
    dialogue        the dialogue-based notification
    referrals       referrals to other units and their answers
    consultations   anonymous consultations

urls.py imports from the module; nothing is defined here."""
