using NUlid;

namespace Tanager;

/// <summary>
/// The email notifier's one shared row: how far through the messages it has got (every message with a smaller id was
/// handled), and the key that signs unsubscribe links, made once by whichever node came first.
/// </summary>
public sealed record NotificationState(Ulid Cursor, byte[] SigningKey);
