namespace Tanager.Server;

internal sealed record HealthReport(string Status, int GatewaySessions);
