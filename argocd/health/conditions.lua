-- Shared helpers (argocd/health/conditions.lua), prepended to each health check. Argo CD runs
-- health checks with the Lua base and table libraries only (no string library): text is joined with `..`.

-- The status condition of the given type, or nil.
local function findCondition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

-- "Reason: message"; either part may be missing.
local function describe(condition)
  local reason = condition.reason or ""
  local message = condition.message or ""
  if reason ~= "" and message ~= "" then
    return reason .. ": " .. message
  end
  return reason .. message
end

local function health(status, message)
  return { status = status, message = message }
end

local function isDeleting()
  return obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil
end
