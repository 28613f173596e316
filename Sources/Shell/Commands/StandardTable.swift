extension CommandTable {
    /// Every command of the shell, grouped as `help` lists them.
    public static var standard: CommandTable {
        CommandTable(
            DataCommands.all + AnalysisCommands.all + ModelCommands.all + CacheCommands.all + OutputCommands.all + SessionCommands.all
        )
    }
}
