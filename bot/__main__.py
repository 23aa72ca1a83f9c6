from bot.cli import main
from bot.stdout_pipe import run_quietly_piped

raise SystemExit(run_quietly_piped(main))
