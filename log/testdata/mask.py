"""oslo_utils.strutils.mask_password on a JSON list of [message, secret]."""
import json
import sys

from oslo_utils import strutils

json.dump([strutils.mask_password(m, secret=s) for m, s in json.load(sys.stdin)], sys.stdout)
