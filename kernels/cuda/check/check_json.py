"""The JSON summary both GPU checks (check_cuda_kernels.py, check_glue.py) rewrite after every section, so that a
run killed by its time box still leaves what finished."""
import json
import os
import time


def save_summary(json_path, data, t0):
    """Writes data (with elapsed_s since t0) to json_path atomically; json_path None writes nothing."""
    if not json_path:
        return
    data["elapsed_s"] = round(time.monotonic() - t0, 2)
    try:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = json_path.with_name(json_path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, default=str))
        os.replace(str(tmp), str(json_path))
    except OSError as e:  # the summary file must never break the check itself
        print("WARNING: could not write %s: %r" % (json_path, e), flush=True)
