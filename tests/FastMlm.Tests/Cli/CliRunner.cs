using System.Diagnostics;
using System.Reflection;

namespace FastMlm.Tests.Cli;

/// <summary>Runs the built <c>fastmlm</c> command as a user would: a separate process, its exit code, standard output and error.</summary>
internal static class CliRunner
{
    private static readonly Lazy<string> s_dll = new(FindDll);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastMlm.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("repository root (FastMlm.sln) not found above " + AppContext.BaseDirectory);
    }

    private static string FindDll()
    {
        var configuration = typeof(CliRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "Configuration").Value!;
        var path = Path.Combine(RepositoryRoot(), "src", "FastMlm.Cli", "bin", configuration, "net10.0", "FastMlm.Cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("the fastmlm command is not built", path);
    }

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(s_dll.Value);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("fastmlm " + string.Join(' ', args) + " did not finish");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the command without waiting (output discarded), for tests that interrupt it.</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(s_dll.Value);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
