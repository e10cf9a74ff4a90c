from openisms.cli import main

main()
