from po6_tui.cli import main

raise SystemExit(main())
