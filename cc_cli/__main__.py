from cc_cli.cli.app import main

main()
