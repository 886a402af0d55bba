# The Celery peer's task with the work of FBS's no-op build added: after its first line (the moment measured, as
# FBS's RUNNING), it runs the same stand-in tool FBS's worker runs (NOOP_TOOL: bench/noop-lorax.c compiled, or the
# script bench/noop-lorax) in a work dir of its own, then removes it. The peer's task writes one line and forks
# nothing; this one shows what a fork per build costs a broker-based service on the same 2 cores. Started by
# bench/dispatch.sh as the worker's app (-A tool_tasks), next to the peer's tasks.py, whose app and settings it
# takes; the client sends the task by its name, "build".
import os
import shutil
import subprocess
import tempfile
import time

import tasks

app = tasks.app
TOOL = os.environ['NOOP_TOOL']
del app.tasks['build']  # the peer's task of the same name: this one replaces it in this worker


@app.task(name='build')
def build(job_id, t_submit):
    t = time.time()
    with open(tasks.OUT, 'a') as f:
        f.write('%s %.6f\n' % (job_id, (t - t_submit) * 1000))
    work = tempfile.mkdtemp(prefix='celery-build-')
    try:
        subprocess.run([TOOL, os.path.join(work, 'out')], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    finally:
        shutil.rmtree(work)
