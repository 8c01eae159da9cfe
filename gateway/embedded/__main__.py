from gateway.embedded.run import main

raise SystemExit(main())
