#!/usr/bin/python3
"""Records what the real pyref application answers, for pyref_test.go.

    /usr/bin/python3 record.py PYREF_DIR cases.json [extra.conf ...] > expected.json

PYREF_DIR is ../shared/reference/pyref (pyref.py, pyref_api.py,
api-paste.ini, pyref.conf). The application is loaded the way pyref.py
loads it (paste.deploy over api-paste.ini, with pyref's options and
pyref.conf plus the extra config files) and called in-process with WebOb,
one case after the other on one application (the POSTs append to its
items). The pid in bodies is written PID and the measured elapsed of
/v1/slow ELAPSED, as the test writes them.
"""
import json
import os
import re
import sys

ARGS = sys.argv[1:]
sys.argv = ['record']
PYREF = os.path.abspath(ARGS[0])
sys.path.insert(0, PYREF)

from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402
from paste.deploy import loadapp  # noqa: E402
import webob  # noqa: E402

import pyref  # noqa: E402

CONF = cfg.CONF
logging.register_options(CONF)
pyref.register_opts(CONF)
CONF(['--config-file', os.path.join(PYREF, 'pyref.conf')] +
     [a for extra in ARGS[2:] for a in ('--config-file', extra)],
     project='pyref')
app = loadapp('config:' + os.path.join(PYREF, 'api-paste.ini'), name='pyref')
out = []
for c in json.load(open(ARGS[1])):
    req = webob.Request.blank(c['path'], method=c.get('method', 'GET'))
    req.host = 'localhost:8780'
    for k, v in c.get('headers', {}).items():
        req.headers[k] = v
    if 'body' in c:
        req.body = c['body'].encode('utf-8')
    resp = req.get_response(app)
    body = resp.body.decode('utf-8').replace('"pid": %d' % os.getpid(), '"pid": PID')
    body = re.sub(r'"elapsed": [0-9.]+', '"elapsed": ELAPSED', body)
    out.append({'name': c['name'], 'status': resp.status_int,
                'content_type': resp.headers.get('Content-Type'), 'body': body})
json.dump(out, sys.stdout, indent=1)
print()
