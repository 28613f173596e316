print("alignscope")
