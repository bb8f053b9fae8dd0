import sys

from statebackend.cli import main

sys.exit(main())
