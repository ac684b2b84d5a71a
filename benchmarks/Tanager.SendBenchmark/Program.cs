using System.CommandLine;
using Tanager.SendBenchmark;

return await SendBenchmarkCommand.Build().Parse(args).InvokeAsync();
