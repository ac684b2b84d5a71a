namespace Tanager.Tests.Fuzz;

/// <summary>A fuzz case falsified its property; FsCheck prints the message beside the (shrunk) case.</summary>
public sealed class FuzzFailure(string message) : Exception(message);
