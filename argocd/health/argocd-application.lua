-- Health of an Argo CD Application, as its own status reports it. Argo CD removed this check in
-- 1.8; without it the root Application would not wait for one unit to be Healthy before
-- starting the next sync wave.
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then
  return health(obj.status.health.status, obj.status.health.message or "")
end
return health("Progressing", "Waiting for the Application's first health assessment")
