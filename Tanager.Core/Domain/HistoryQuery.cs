namespace Tanager;

/// <summary>
/// A page request over a channel's timeline, by creation sequence. Without bounds it reads the newest messages.
/// <see cref="TopLevelOnly"/> leaves thread replies out (they stay in "changes since", which is every change).
/// </summary>
public readonly record struct HistoryQuery(long? Before, long? After, int Limit, bool TopLevelOnly = false);
