"""Rules of procedure as code: profiles, calendar, deadlines, majorities and motion checks."""
