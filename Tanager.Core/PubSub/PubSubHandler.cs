namespace Tanager;

/// <summary>Receives an event published to a subject: its header and its serialized bytes.</summary>
public delegate void PubSubHandler(string subject, EventHeader header, ReadOnlyMemory<byte> payload);
