namespace Tanager;

/// <summary>A page request over a channel's timeline, by creation sequence. Without bounds it reads the newest messages.</summary>
public readonly record struct HistoryQuery(long? Before, long? After, int Limit);
