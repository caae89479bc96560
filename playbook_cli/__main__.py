import sys

from playbook_cli.main import main

sys.exit(main())
