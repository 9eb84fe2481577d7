using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastMlm.Tests.Plots;

/// <summary>
/// A test that needs Debian's <c>chromium</c>: skipped where it is not installed, unless FASTMLM_REQUIRE_CHROMIUM=1
/// (set by CI after installing it), where a missing browser fails the test.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null && Environment.GetEnvironmentVariable("FASTMLM_REQUIRE_CHROMIUM") != "1")
        {
            Skip = "chromium is not installed (CI installs it and sets FASTMLM_REQUIRE_CHROMIUM=1)";
        }
    }
}

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket and JSON): one page, its errors collected
/// (exceptions, console errors, log entries of level error). The browser is killed on dispose.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<JsonObject> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser on PATH (<c>chromium</c>, <c>chromium-browser</c>, <c>google-chrome</c>), or null.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>Everything the page reported as an error so far.</summary>
    public IReadOnlyList<string> Errors => _events.Select(ErrorOf).OfType<string>().ToArray();

    public static async Task<HeadlessChromium> StartAsync()
    {
        var exe = Executable ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium)");
        string profile = Directory.CreateTempSubdirectory("fastmlm-chromium-").FullName;
        var info = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        var browser = new HeadlessChromium(process, profile);
        try
        {
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            int port = await browser.ReadPortAsync();
            using var http = new HttpClient { Timeout = s_timeout };
            var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray();
            string url = targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
            using var connect = new CancellationTokenSource(s_timeout);
            await browser._socket.ConnectAsync(new Uri(url), connect.Token);
            browser._reader = Task.Run(browser.ReadAsync);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a command and waits for its answer's <c>result</c>.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var answer = await done.Task.WaitAsync(s_timeout);
        if (answer["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return answer["result"]?.AsObject() ?? new JsonObject();
    }

    /// <summary>Navigates to <paramref name="url"/> and waits for the load event.</summary>
    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        var clock = Stopwatch.StartNew();
        while (!_events.Any(e => (string?)e["method"] == "Page.loadEventFired"))
        {
            if (clock.Elapsed > s_timeout) throw new TimeoutException($"{url} did not load in {s_timeout.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    /// <summary>Evaluates a JavaScript expression whose value is a string (e.g. JSON.stringify of an object) and returns it.</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (result["exceptionDetails"] is { } ex) throw new InvalidOperationException("the expression failed: " + ex.ToJsonString());
        return result["result"]!["value"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
        if (_reader is not null)
        {
            try
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException)
            {
                // the browser is gone; its socket with it
            }
        }
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // a file the browser still held; the temporary folder is left
        }
    }

    private async Task<int> ReadPortAsync()
    {
        var stderr = _process.StandardError;
        using var timeout = new CancellationTokenSource(s_timeout);
        while (true)
        {
            string? line = await stderr.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("chromium exited before it listened");
            const string Mark = "DevTools listening on ws://";
            int at = line.IndexOf(Mark, StringComparison.Ordinal);
            if (at < 0) continue;
            var uri = new Uri("ws://" + line[(at + Mark.Length)..].Trim());
            _ = Task.Run(async () =>
            {
                while (await stderr.ReadLineAsync() is not null)
                {
                    // drained, so that the browser never blocks on a full pipe
                }
            });
            return uri.Port;
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            var r = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (r.MessageType == WebSocketMessageType.Close) break;
            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            var node = JsonNode.Parse(message.ToArray())!.AsObject();
            message.SetLength(0);
            if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var waiter)) waiter.TrySetResult(node);
            else _events.Enqueue(node);
        }
    }

    private static string? ErrorOf(JsonObject e)
    {
        var p = e["params"];
        return (string?)e["method"] switch
        {
            "Runtime.exceptionThrown" => "exception: " + p?["exceptionDetails"]?.ToJsonString(),
            "Runtime.consoleAPICalled" when (string?)p?["type"] == "error" => "console error: " + p?["args"]?.ToJsonString(),
            "Log.entryAdded" when (string?)p?["entry"]?["level"] == "error" => "log error: " + p?["entry"]?.ToJsonString(),
            _ => null,
        };
    }

    private static string? Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => dirs.Select(d => Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);
    }
}
