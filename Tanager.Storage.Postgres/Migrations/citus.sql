-- Run between 0001 and 0002 when the citus extension is installed: users and sessions are reference tables (copied
-- to every node), every workspace-scoped table is distributed by workspace_id and co-located with workspaces.
SELECT create_reference_table('users');
SELECT create_reference_table('sessions');
SELECT create_distributed_table('workspaces', 'id');
SELECT create_distributed_table('workspace_members', 'workspace_id', colocate_with => 'workspaces');
SELECT create_distributed_table('channels', 'workspace_id', colocate_with => 'workspaces');
SELECT create_distributed_table('channel_members', 'workspace_id', colocate_with => 'workspaces');
SELECT create_distributed_table('messages', 'workspace_id', colocate_with => 'workspaces');
