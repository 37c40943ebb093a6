"""Pages of appeals: stats (三率考核, 排名, 热点与未诉先办), mounted at /appeals/."""

from jiceng.appeals.views.stats import urlpatterns as stats_pages

urlpatterns: list = [*stats_pages]
