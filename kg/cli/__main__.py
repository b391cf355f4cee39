from kg.cli.main import main

main()
