"""``python -m apidouble.load.bench``: the whole benchmark in one table (see ``suite``)."""

import sys

from apidouble.load.bench.suite import main

sys.exit(main())
