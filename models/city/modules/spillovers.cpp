// Spillovers from leader firms to their suppliers (docs/model.md §3.8.7): leaders (and gazelles,
// as buyers of their own) have SUPPLY edges to suppliers of their sector; each year the firms a
// leader reaches over supply edges gain knowledge, the more the closer they are (a breadth-first
// search from the leaders), and knowledge raises their growth drift (growth.cpp).
#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/pending/queue.hpp>
#include <utility>

#include "models/city/city_model.hpp"
#include "models/city/modules/knowledge_rules.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"

namespace innosim::models::city {

const ParameterTable& spillovers_parameters() {
  static const ParameterTable table({
      integer("supply_links_per_leader", 5, 0, 1000, "firms",
              "suppliers a leader firm buys from in the city (SUPPLY edges, its sector)",
              "calibrated: no count of local suppliers per 链主 found (李先军 2023, qualitative)",
              FIELD(supply_links_per_leader)),
      integer("supply_links_per_gazelle", 2, 0, 1000, "firms",
              "suppliers a gazelle buys from in the city: it passes a leader's spillover on, one "
              "supply step further",
              "calibrated: no source", FIELD(supply_links_per_gazelle)),
      real("spillover_rate", 0.01, 0.0, 10.0, "1/year",
           "knowledge a direct supplier of a leader or gazelle gains each year, per unit of its "
           "revenue",
           "calibrated: Javorcik (2004) gives the direction (positive spillovers to upstream "
           "suppliers), no size usable here; 0.01 (a quarter of the city's R&D intensity) in "
           "0-0.05 until fitted",
           FIELD(spillover_rate)),
      real("spillover_decay", 0.5, 0.0, 1.0, "1",
           "the spillover is multiplied by this with each further supply step from the leader",
           "calibrated: no source for decay along supply chains", FIELD(spillover_decay)),
      integer("spillover_max_distance", 3, 1, 100, "edges",
              "suppliers farther than this from every leader gain nothing", "assumption",
              FIELD(spillover_max_distance)),
  });
  return table;
}

namespace {

/// Block of PURPOSE_SPILLOVERS per supplier: the hub's id (a supplier's draw for a hub).
struct SupplyOnly {
  const Network::Graph* graph = nullptr;
  bool operator()(const Network::Edge& edge) const {
    return (*graph)[edge].type == EdgeType::SUPPLY;
  }
};

class Spillovers final : public Module {
 public:
  explicit Spillovers(const ModuleSetup& setup) : p_(setup.params) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "spillovers",
        "leaders' and gazelles' supply edges to firms of their sector; each year suppliers "
        "reached from a leader gain knowledge, decaying with supply distance",
        {Phase::START, Phase::YEAR_START, Phase::PAYMENTS, Phase::RECORD},
        {},
        {"alive", "flags", "sector", "revenue", "knowledge", "graph_vertex"},
        {SUPPLY_EDGES, SUPPLIERS_REACHED, SPILLOVER_KNOWLEDGE},
        {{PURPOSE_SPILLOVERS, 0, ALL_BLOCKS}}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    link_suppliers(world, context);
    record_at(world, context, 0);
  }

  void year_start(World& world, const StepContext& context) const override {
    if (context.burn_in) return;
    link_suppliers(world, context);
    spill(world);
  }

  void payments(World& world, const StepContext& context, StepTotals&) const override {
    if (context.burn_in) return;
    // Supply relations end with either firm (before the network releases its vertex).
    KnowledgeState& k = world.knowledge;
    const ConstFirmView f(world.firms);
    std::size_t kept = 0;
    for (const Relation& relation : k.supply) {
      const Network::Vertex hub = boost::source(relation.edge, world.network.graph());
      const std::size_t row = world.network.row_of(relation.firm);
      const std::size_t hub_row = world.network.row_of(hub);
      const bool over = row == Network::NO_ROW || f.alive[row] == 0 || hub_row == Network::NO_ROW ||
                        f.alive[hub_row] == 0;
      if (over) {
        world.network.end(relation.edge);
      } else {
        k.supply[kept++] = relation;
      }
    }
    k.supply.resize(kept);
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    record_at(world, context, static_cast<std::size_t>(context.when.step + 1));
  }

 private:
  /// Leaders and gazelles with fewer supply edges than their quota link to more suppliers of
  /// their sector: the alive firms with the smallest draw keyed by (supplier id, hub id).
  void link_suppliers(World& world, const StepContext& context) const {
    if (p_.supply_links_per_leader <= 0 && p_.supply_links_per_gazelle <= 0) return;
    FirmView f(world.firms);
    const ConstFirmView cf(world.firms);
    const sim::StreamKey stream = context.stream(PURPOSE_SPILLOVERS);
    std::vector<std::vector<std::uint32_t>> by_sector;
    const std::int32_t month = month_index(context.when.year, context.when.first_month);
    for (std::size_t hub = 0; hub < world.firms.size(); ++hub) {
      if (f.alive[hub] == 0) continue;
      const std::int64_t quota = (f.flags[hub] & FLAG_LEADER) != 0    ? p_.supply_links_per_leader
                                 : (f.flags[hub] & FLAG_GAZELLE) != 0 ? p_.supply_links_per_gazelle
                                                                      : 0;
      if (quota <= 0) continue;
      std::int64_t have = 0;
      if (Network::has_vertex(cf, hub)) {
        for (const auto edge : boost::make_iterator_range(
                 boost::out_edges(Network::vertex_of(cf, hub), world.network.graph())))
          have += world.network[edge].type == EdgeType::SUPPLY ? 1 : 0;
      }
      if (have >= quota) continue;
      if (by_sector.empty()) {
        by_sector.resize(SECTOR_COUNT);
        for (std::size_t row = 0; row < world.firms.size(); ++row)
          if (f.alive[row] != 0)
            by_sector[f.sector[row]].push_back(static_cast<std::uint32_t>(row));
      }
      std::vector<std::pair<std::uint32_t, std::uint32_t>> keys;  // (draw, row)
      for (const std::uint32_t row : by_sector[f.sector[hub]]) {
        if (row == hub || linked(world, cf, hub, row)) continue;
        keys.emplace_back(stream.block(f.id[row], f.id[hub])[0], row);
      }
      const auto wanted = std::min(keys.size(), static_cast<std::size_t>(quota - have));
      const auto by_draw = [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : f.id[a.second] < f.id[b.second];
      };
      std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(wanted),
                        keys.end(), by_draw);
      const Network::Vertex from = world.network.firm_vertex(f, hub);
      for (std::size_t i = 0; i < wanted; ++i) {
        const Network::Vertex to = world.network.firm_vertex(f, keys[i].second);
        const Network::Edge edge =
            world.network.connect(from, to, {EdgeType::SUPPLY, month, -1, 0.0f});
        world.knowledge.supply.push_back({edge, to, -1});
      }
    }
  }

  [[nodiscard]] static bool linked(const World& world, const ConstFirmView& f, std::size_t hub,
                                   std::size_t row) {
    if (!Network::has_vertex(f, hub) || !Network::has_vertex(f, row)) return false;
    const Network::Vertex to = Network::vertex_of(f, row);
    for (const auto edge : boost::make_iterator_range(
             boost::out_edges(Network::vertex_of(f, hub), world.network.graph()))) {
      if (boost::target(edge, world.network.graph()) == to &&
          world.network[edge].type == EdgeType::SUPPLY)
        return true;
    }
    return false;
  }

  /// The year's spillover: knowledge += strength(distance) × revenue for every alive firm a
  /// leader reaches within spillover_max_distance supply edges.
  void spill(World& world) const {
    KnowledgeState& k = world.knowledge;
    k.suppliers_reached = 0.0;
    k.spillover_knowledge_year = 0.0;
    if (k.supply.empty()) return;
    FirmView f(world.firms);
    const ConstFirmView cf(world.firms);
    std::vector<Network::Vertex> leaders;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      // Leaders and gazelles buy from local suppliers: both are where spillovers start.
      if (f.alive[row] != 0 && (f.flags[row] & (FLAG_LEADER | FLAG_GAZELLE)) != 0 &&
          Network::has_vertex(cf, row))
        leaders.push_back(Network::vertex_of(cf, row));
    }
    if (leaders.empty()) return;
    const std::vector<int> distance = supply_distances(world.network, leaders);
    for (std::size_t vertex = 0; vertex < distance.size(); ++vertex) {
      const int d = distance[vertex];
      if (d < 1 || d > p_.spillover_max_distance) continue;
      const std::size_t row = world.network.row_of(vertex);
      if (row == Network::NO_ROW || f.alive[row] == 0) continue;
      const double gain =
          spillover_strength(p_.spillover_rate, p_.spillover_decay, d) * f.revenue[row];
      f.knowledge[row] += static_cast<float>(gain);
      k.suppliers_reached += 1.0;
      k.spillover_knowledge_year += gain;
    }
  }

  void record_at(const World& world, const StepContext& context, std::size_t point) const {
    sim::SeriesBuffer& out = *context.series;
    out.at(SUPPLY_EDGES, point) = static_cast<double>(world.knowledge.supply.size());
    out.at(SUPPLIERS_REACHED, point) = world.knowledge.suppliers_reached;
    out.at(SPILLOVER_KNOWLEDGE, point) = world.knowledge.spillover_knowledge_year;
  }

  const CityParams& p_;
};

}  // namespace

std::vector<int> supply_distances(const Network& network,
                                  const std::vector<Network::Vertex>& leaders) {
  const Network::Graph& graph = network.graph();
  const std::size_t count = boost::num_vertices(graph);
  std::vector<int> distance(count, -1);
  if (leaders.empty()) return distance;
  const boost::filtered_graph<Network::Graph, SupplyOnly> supply(graph, SupplyOnly{&graph});
  std::vector<boost::default_color_type> colours(count, boost::white_color);
  const auto index = boost::get(boost::vertex_index, graph);
  auto colour_map = boost::make_iterator_property_map(colours.begin(), index);
  auto distance_map = boost::make_iterator_property_map(distance.begin(), index);
  for (const Network::Vertex leader : leaders) distance[leader] = 0;
  boost::queue<Network::Vertex> queue;
  boost::breadth_first_search(
      supply, leaders.begin(), leaders.end(), queue,
      boost::make_bfs_visitor(boost::record_distances(distance_map, boost::on_tree_edge())),
      colour_map);
  return distance;
}

std::unique_ptr<Module> make_spillovers(const ModuleSetup& setup) {
  return make_module<Spillovers>(setup);
}

}  // namespace innosim::models::city
