"""The demo data's one signal: `seed_demo` (reports) loads the portfolio, then says so, and an app
above it (hub) adds what it owns — a command cannot import the apps above its own."""

from django.dispatch import Signal

# sent with users={username: User} and accounts={name: Account} once the portfolio is in
demo_seeded = Signal()
