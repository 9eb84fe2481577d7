using System.CommandLine;
using System.Globalization;
using FastMlm.Data;
using Spectre.Console;

namespace FastMlm.Cli.Commands;

/// <summary><c>fastmlm datasets</c>: lists the built-in data sets with their rows, columns and what a row and a group are.</summary>
internal static class DatasetsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("datasets", "List the built-in data sets (usable by name with --data).");
        command.SetAction(_ =>
        {
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumn("name");
            table.AddColumn(new TableColumn("rows").RightAligned());
            table.AddColumn("columns");
            table.AddColumn("description");
            foreach (var info in BuiltInData.All)
            {
                var frame = BuiltInData.Load(info.Name);
                table.AddRow(
                    Markup.Escape(info.Name),
                    frame.RowCount.ToString("N0", CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", frame.ColumnNames)),
                    Markup.Escape(info.Description));
            }
            context.Console.Write(table);
            return Cli.Success;
        });
        return command;
    }
}
