"""Entry point for `python -m core`."""

import gc
import os
import sys

# Start-up builds only objects that live to the end (modules, openai's ~650 models, the input): collecting while it
# runs finds nothing and walks them again and again (~45 ms before the first request). The collector is off until the
# command's own work begins (core.cli.main.start_up_done), then leaves out all start-up made; a larger young
# generation than the default keeps collecting a run's own cycles at a fraction of the passes.
gc.set_threshold(10_000, 10, 10)
gc.disable()

from core.cli.main import main  # noqa: E402 (after the threshold: its imports are the start-up)

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:  # the reader stopped early (`python -m core tasks | head`): not a failure worth a traceback
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's own flush does not fail again
    code = 1
gc.freeze()  # the interpreter's exit would walk every object openai and pandas made (~0.15 s) for nothing
sys.exit(code)
