print("vitopt")
