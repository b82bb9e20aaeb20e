from courseforge.cli import main

main()
