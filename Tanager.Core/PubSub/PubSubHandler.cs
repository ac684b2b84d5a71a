namespace Tanager;

/// <summary>Receives a payload published to a subject.</summary>
public delegate void PubSubHandler(string subject, ReadOnlyMemory<byte> payload);
