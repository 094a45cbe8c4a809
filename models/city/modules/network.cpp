// The network module (docs/model.md §3.8): one vertex per government programme (an instrument's
// budget), the firms' vertex column, and the end of an exited firm's relations. The institutions
// and their mechanisms are modules of their own (incubation, loans, equity, knowledge); this one
// keeps the graph consistent with the firm table, and records what the network and the money
// show (docs/model.md §3.8.8): the step's flows from the book (/flows), private money per public
// yuan, and the graph's shape at year ends with Boost.Graph's algorithms.
#include <algorithm>
#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <vector>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

namespace {

class NetworkModule final : public Module {
 public:
  explicit NetworkModule(const ModuleSetup& setup) : instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "network",
        "government programmes as vertices; firms get a vertex with their first relation",
        {Phase::START, Phase::RECORD},
        {"graph_vertex"},
        {"alive"},
        {FIRMS_LINKED, PRIVATE_PER_PUBLIC, NETWORK_EDGES, NETWORK_COMPONENTS,
         NETWORK_LARGEST_COMPONENT, NETWORK_MAX_INSTITUTION_DEGREE},
        {}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    for (std::size_t index = 0; index < instruments_.all().size(); ++index)
      world.network.add_institution(VertexKind::PROGRAMME, 0, 0, static_cast<std::uint32_t>(index));
    // Flows of the burn-in are not the run's (point 0's flows stay 0).
    (void)world.book.take_flows();
    sim::SeriesBuffer& out = *context.series;
    out.at(FIRMS_LINKED, 0) = static_cast<double>(world.network.firm_vertices());
    out.at(PRIVATE_PER_PUBLIC, 0) = 0.0;
    record_shape(world.network, out, 0);
    snapshot_edges(world.network, context, context.when.year - 1);
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    const auto point = static_cast<std::size_t>(context.when.step + 1);
    sim::SeriesBuffer& out = *context.series;
    out.at(FIRMS_LINKED, point) = static_cast<double>(world.network.firm_vertices());
    // The step's flows, once per step: the book resets them as they are taken.
    const std::vector<sim::Yuan> flows = world.book.take_flows();
    const std::size_t base = flow_metric_base(instruments_.all().size());
    for (std::size_t k = 0; k < flows.size(); ++k)
      out.at(base + k, point) = static_cast<double>(flows[k]);
    // Private money leveraged per public yuan, from the recorded flows of every step so far
    // (whole yuan held in doubles: exact below 2^53 yuan).
    double private_yuan = 0.0;
    double public_yuan = 0.0;
    auto flow = [&](AccountKind source, std::size_t recipient, std::size_t p) {
      return out.at(base + source * RECIPIENT_CLASS_COUNT + recipient, p);
    };
    for (std::size_t p = 1; p <= point; ++p) {
      for (std::size_t tier = 0; tier < TIER_COUNT; ++tier)
        private_yuan += flow(PRIVATE_INVESTORS_ACCOUNT, tier, p);
      private_yuan += flow(PRIVATE_INVESTORS_ACCOUNT, recipient_class_of(FUND_ACCOUNT), p);
      for (std::size_t recipient = 0; recipient < RECIPIENT_CLASS_COUNT; ++recipient)
        public_yuan += flow(PROGRAMME_ACCOUNT, recipient, p);
    }
    out.at(PRIVATE_PER_PUBLIC, point) = public_yuan > 0.0 ? private_yuan / public_yuan : 0.0;
    if (context.when.ends_year()) {
      record_shape(world.network, out, point);
      snapshot_edges(world.network, context, context.when.year);
    } else {  // the shape is measured at year ends and carried between them
      out.at(NETWORK_EDGES, point) = live_edges(world.network);
      for (const Metric metric :
           {NETWORK_COMPONENTS, NETWORK_LARGEST_COMPONENT, NETWORK_MAX_INSTITUTION_DEGREE})
        out.at(metric, point) = out.at(metric, point - 1);
    }
  }

 private:
  [[nodiscard]] static double live_edges(const Network& network) {
    std::size_t edges = 0;
    for (std::size_t type = 0; type < EDGE_TYPE_COUNT; ++type)
      edges += network.edges_of(static_cast<EdgeType>(type));
    return static_cast<double>(edges);
  }

  /// The graph's shape at `point`: weakly connected components among vertices with a relation
  /// (boost::connected_components on an undirected copy of the edges, built here, once a year),
  /// the largest one's size, and the most relations of one institution (boost::degree: in + out).
  static void record_shape(const Network& network, sim::SeriesBuffer& out, std::size_t point) {
    using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
    const Network::Graph& graph = network.graph();
    const std::size_t vertices = boost::num_vertices(graph);
    Undirected undirected(vertices);
    for (const auto edge : boost::make_iterator_range(boost::edges(graph)))
      boost::add_edge(boost::source(edge, graph), boost::target(edge, graph), undirected);
    std::vector<std::size_t> component(vertices);
    const std::size_t count =
        vertices == 0 ? 0 : boost::connected_components(undirected, component.data());
    // A vertex without relations is a component of its own: only linked ones count.
    std::vector<std::size_t> sizes(count, 0);
    double max_institution_degree = 0.0;
    for (std::size_t v = 0; v < vertices; ++v) {
      const auto degree = static_cast<double>(boost::degree(v, graph));
      if (degree > 0) ++sizes[component[v]];
      if (graph[v].kind != VertexKind::FIRM)
        max_institution_degree = std::max(max_institution_degree, degree);
    }
    out.at(NETWORK_EDGES, point) = live_edges(network);
    out.at(NETWORK_COMPONENTS, point) = static_cast<double>(
        std::count_if(sizes.begin(), sizes.end(), [](std::size_t size) { return size > 0; }));
    out.at(NETWORK_LARGEST_COMPONENT, point) =
        static_cast<double>(sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end()));
    out.at(NETWORK_MAX_INSTITUTION_DEGREE, point) = max_institution_degree;
  }

  /// The edge lists of the replication and year ends the [output] table asks for snapshots of
  /// (the same as the firms'): /network/<year>/<edge_type>/, one row per live edge, in the
  /// graph's edge order (a function of the run's history, not of threads). Types with no live
  /// edge are left out.
  static void snapshot_edges(const Network& network, const StepContext& context, int year) {
    const sim::ReplicationContext* run = context.run;
    if (run == nullptr || run->snapshots == nullptr) return;
    const auto& years = run->snapshot_years;
    if (std::find(years.begin(), years.end(), year) == years.end()) return;
    struct Column {
      const char* name;
      const char* unit;
      const char* description;
      bool integer;
    };
    static constexpr std::array<Column, 8> COLUMNS = {{
        {"edge_id", "", "the edge's row in this list", true},
        {"source_kind", "",
         "kind of the source vertex: 0 firm, 1 incubator, 2 fund, 3 bank, 4 guarantor, "
         "5 knowledge_source, 6 programme",
         true},
        {"source_index", "",
         "index of the source: firm id for a firm, else the institution's number in its kind",
         true},
        {"target_kind", "", "kind of the target vertex (codes as source_kind)", true},
        {"target_index", "", "index of the target (firm id for a firm)", true},
        {"start_month", "months", "start: calendar year x 12 + month - 1", true},
        {"end_month", "months", "scheduled end (-1: open-ended)", true},
        {"amount", "万元", "principal, stake or contract value, by type", false},
    }};
    const Network::Graph& graph = network.graph();
    std::array<sim::Snapshot, EDGE_TYPE_COUNT> tables;
    for (std::size_t type = 0; type < EDGE_TYPE_COUNT; ++type) {
      tables[type].year = year;
      tables[type].group = "network";
      tables[type].table = std::string(EDGE_TYPE_NAMES[type]);
      tables[type].dimension = "edge";
      for (const Column& column : COLUMNS)
        tables[type].columns.push_back(
            {column.name, column.unit, column.description, column.integer, {}});
    }
    for (const auto edge : boost::make_iterator_range(boost::edges(graph))) {
      const EdgeProperties& properties = graph[edge];
      const VertexProperties& source = graph[boost::source(edge, graph)];
      const VertexProperties& target = graph[boost::target(edge, graph)];
      auto& columns = tables[static_cast<std::size_t>(properties.type)].columns;
      const double values[8] = {static_cast<double>(columns[0].values.size()),
                                static_cast<double>(source.kind),
                                static_cast<double>(source.index),
                                static_cast<double>(target.kind),
                                static_cast<double>(target.index),
                                static_cast<double>(properties.start_month),
                                static_cast<double>(properties.end_month),
                                static_cast<double>(properties.amount)};
      for (std::size_t c = 0; c < COLUMNS.size(); ++c) columns[c].values.push_back(values[c]);
    }
    for (sim::Snapshot& table : tables) {
      if (!table.columns.front().values.empty()) run->snapshots->push_back(std::move(table));
    }
  }

  const InstrumentSet& instruments_;
};

}  // namespace

std::unique_ptr<Module> make_network(const ModuleSetup& setup) {
  return make_module<NetworkModule>(setup);
}

}  // namespace innosim::models::city
