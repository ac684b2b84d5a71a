using System.CommandLine;
using Tanager.Server;

return await TanagerCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration
{
    // The host handles SIGTERM/SIGINT itself so that it can drain the gateway; System.CommandLine must not cut that short.
    ProcessTerminationTimeout = null,
});
