using System.Text;

namespace FastMlm.Reporting;

/// <summary>
/// Writes a file whole or not at all: to a temporary file beside it (same folder, so the rename stays on one
/// volume), then renamed over it. A reader never sees half a file, and a failure leaves any earlier file as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> by <paramref name="write"/>, which is given the temporary file's path to create.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write '{path}': the folder '{dir}' does not exist");
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) to <paramref name="path"/> by <paramref name="write"/>.</summary>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, temp =>
        {
            using var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false));
            write(writer);
        });
    }
}
