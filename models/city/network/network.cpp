#include "models/city/network/network.hpp"

#include <algorithm>
#include <stdexcept>

namespace innosim::models::city {

Network::Vertex Network::add_institution(VertexKind kind, std::uint8_t subtype, std::uint8_t level,
                                         std::uint32_t index) {
  if (kind == VertexKind::FIRM) throw std::logic_error("Network::add_institution: a firm");
  const Vertex vertex =
      boost::add_vertex(VertexProperties{kind, subtype, level, true, index}, graph_);
  row_of_.push_back(NO_ROW);
  return vertex;
}

Network::Vertex Network::firm_vertex(const FirmView& firms, std::size_t row) {
  if (firms.graph_vertex[row] != 0) return firms.graph_vertex[row] - 1;
  Vertex vertex;
  const VertexProperties properties{VertexKind::FIRM, 0, 0, true, firms.id[row]};
  if (!free_.empty()) {
    vertex = free_.back();
    free_.pop_back();
    graph_[vertex] = properties;
  } else {
    vertex = boost::add_vertex(properties, graph_);
    row_of_.push_back(NO_ROW);
  }
  row_of_[vertex] = row;
  firms.graph_vertex[row] = static_cast<std::uint32_t>(vertex + 1);
  ++firm_vertices_;
  return vertex;
}

Network::Edge Network::connect(Vertex from, Vertex to, const EdgeProperties& properties) {
  const Edge edge = boost::add_edge(from, to, properties, graph_).first;
  ++edge_counts_[static_cast<std::size_t>(properties.type)];
  return edge;
}

void Network::end(Edge edge) {
  --edge_counts_[static_cast<std::size_t>(graph_[edge].type)];
  const Vertex source = boost::source(edge, graph_);
  const Vertex target = boost::target(edge, graph_);
  boost::remove_edge(edge, graph_);
  // A firm left without relations gives its vertex back at the end of the step (it may get a
  // new relation before then; release_exited_firms checks again).
  for (const Vertex vertex : {source, target}) {
    if (row_of_[vertex] != NO_ROW && boost::out_degree(vertex, graph_) == 0 &&
        boost::in_degree(vertex, graph_) == 0)
      isolated_.push_back(vertex);
  }
}

void Network::release_exited_firms(const FirmView& firms) {
  const std::size_t vertices = boost::num_vertices(graph_);
  for (Vertex vertex = 0; vertex < vertices; ++vertex) {
    const std::size_t row = row_of_[vertex];
    if (row == NO_ROW || firms.alive[row] != 0) continue;
    for (auto [edge, last] = boost::out_edges(vertex, graph_); edge != last; ++edge)
      --edge_counts_[static_cast<std::size_t>(graph_[*edge].type)];
    for (auto [edge, last] = boost::in_edges(vertex, graph_); edge != last; ++edge)
      --edge_counts_[static_cast<std::size_t>(graph_[*edge].type)];
    boost::clear_vertex(vertex, graph_);
    graph_[vertex].active = false;
    firms.graph_vertex[row] = 0;
    row_of_[vertex] = NO_ROW;
    free_.push_back(vertex);
    --firm_vertices_;
  }
  for (const Vertex vertex : isolated_) {
    const std::size_t row = row_of_[vertex];
    if (row == NO_ROW || boost::out_degree(vertex, graph_) != 0 ||
        boost::in_degree(vertex, graph_) != 0)
      continue;  // released above, already freed, or related again
    graph_[vertex].active = false;
    firms.graph_vertex[row] = 0;
    row_of_[vertex] = NO_ROW;
    free_.push_back(vertex);
    --firm_vertices_;
  }
  isolated_.clear();
}

void Network::rows_moved(const ConstFirmView& firms, std::size_t rows) {
  for (std::size_t& row : row_of_) {
    if (row != NO_ROW) row = NO_ROW;
  }
  for (std::size_t row = 0; row < rows; ++row) {
    if (firms.graph_vertex[row] != 0) row_of_[firms.graph_vertex[row] - 1] = row;
  }
}

std::size_t Network::heap_bytes() const {
  // What glibc's malloc hands out for a block of `bytes`: a 16-byte multiple with 8 bytes of
  // header, at least 32.
  const auto chunk = [](std::size_t bytes) {
    return bytes == 0 ? 0 : std::max<std::size_t>(32, (bytes + 8 + 15) / 16 * 16);
  };
  using StoredVertex = Graph::stored_vertex;
  std::size_t bytes = chunk(graph_.m_vertices.capacity() * sizeof(StoredVertex));
  for (Vertex vertex = 0; vertex < boost::num_vertices(graph_); ++vertex) {
    // Each edge sits in its source's out-list and its target's in-list (allocated by capacity);
    // its properties are a heap block of their own (counted with the out-list).
    const auto& out = graph_.m_vertices[vertex].m_out_edges;
    const auto& in = graph_.m_vertices[vertex].m_in_edges;
    bytes += chunk(out.capacity() * sizeof(*out.begin()));
    bytes += chunk(in.capacity() * sizeof(*in.begin()));
    bytes += out.size() * chunk(sizeof(EdgeProperties));
  }
  return bytes + chunk(row_of_.capacity() * sizeof(std::size_t)) +
         chunk(free_.capacity() * sizeof(Vertex)) + chunk(isolated_.capacity() * sizeof(Vertex));
}

}  // namespace innosim::models::city
