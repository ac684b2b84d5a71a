namespace Tanager.Tests.Infrastructure;

/// <summary>The built <c>tanager</c> executable, run as a child process the way an operator runs it.</summary>
public static class CommandLine
{
    public static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    /// <summary>Runs <c>tanager</c> with the arguments; asserts it exits 0 and returns everything it printed to standard output.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        await using var process = ChildProcess.Start("dotnet", [TanagerDll, .. arguments]);
        await process.WaitForExitAsync(60);
        Assert.True(process.ExitCode == 0, $"tanager {string.Join(' ', arguments)} exited {process.ExitCode}: {process.Errors}");
        return string.Join('\n', process.Lines);
    }
}
